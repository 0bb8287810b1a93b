/** Every SMS and email the local SNS delivered, by person and channel, newest first (the outbox page's data). */
import type { ConsoleOutbox } from '../../../local/console/console-contract';
import { time } from '../format';
import { usePoll } from '../use-poll';
import { ErrorMessage, Message } from './message';
import { MessageBody } from './message-body';

const CHANNELS: Readonly<Record<string, string>> = { sms: 'SMS', email: 'Email', 'email-json': 'Email (JSON)' };

export function OutboxView() {
  const { data, error } = usePoll<ConsoleOutbox>('outbox');
  return (
    <section class="outbox">
      <h2>Outbox</h2>
      <ErrorMessage error={error} />
      {!data && !error && <Message kind="info" text="Loading…" />}
      {data && data.recipients.length === 0 && <Message kind="info" text="No SMS or email has been sent yet." />}
      {data?.recipients.map((recipient) => (
        <section key={recipient.key} class="recipient" data-recipient={recipient.key}>
          <h3>{recipient.personId ? `${recipient.name} (${recipient.personId})` : recipient.name}</h3>
          {recipient.channels.map((channel) => (
            <div key={channel.channel}>
              <h4>{CHANNELS[channel.channel] ?? channel.channel}</h4>
              {channel.messages.map((m) => (
                <article key={m.deliveryId} class={`delivery ${channel.channel}`} data-channel={channel.channel}>
                  <div class="meta">
                    <time dateTime={m.at}>{time(m.at)}</time> · {m.endpoint}
                  </div>
                  {m.subject !== undefined && channel.channel !== 'sms' && <p class="subject">{m.subject}</p>}
                  <MessageBody text={m.body} />
                </article>
              ))}
            </div>
          ))}
        </section>
      ))}
    </section>
  );
}
