/**
 * A message body with its links clickable. Bodies are untrusted text: it is
 * rendered as text nodes (Preact escapes them), and only http(s) URLs become
 * links — a decision link opens the product's decision page.
 */
const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

export function MessageBody({ text }: { text: string }) {
  const parts: (string | { url: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    parts.push(text.slice(last, match.index), { url });
    last = match.index + url.length;
  }
  parts.push(text.slice(last));
  return (
    <p class="body">
      {parts.map((part, i) =>
        typeof part === 'string' ? (
          part
        ) : (
          <a key={i} href={part.url} target="_blank" rel="noreferrer">
            {part.url}
          </a>
        ),
      )}
    </p>
  );
}
