/**
 * Until the directory provisions email per tandem (roadmap issue 5), the story
 * and the tests subscribe the partners they watch: each person's address to the
 * tandem email topic, filtered on their person id, as the provisioning will.
 */
import type { Tandem } from '../../functions/domain/model';
import type { LocalCloud } from '../runtime/local-cloud';

export function subscribeTandemEmails(cloud: Pick<LocalCloud, 'model' | 'sns'>, tandem: Tandem): void {
  const topic = cloud.model.topics.find((t) => t.logicalId.startsWith('NotificationsTandemEmail'));
  if (!topic) throw new Error('the stack has no tandem email topic');
  for (const person of [tandem.insideManager, tandem.fieldManager]) {
    cloud.sns.subscribe(topic.arn, 'email', person.email, { FilterPolicy: JSON.stringify({ personId: [person.personId] }) });
  }
}
