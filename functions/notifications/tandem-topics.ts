/**
 * Each tandem's email goes through an SNS topic of its own, created at run time
 * by provisioning (not by CloudFormation: 400 topics would not fit a stack's
 * 500 resources). The topic's ARN is the stage's prefix plus the territory id,
 * so senders need no lookup and IAM grants one ARN pattern.
 */
const TERRITORY_ID = /^T\d{3}$/;

/** `arn:aws:sns:<region>:<account>:<stack>-tandem-` (env TANDEM_TOPIC_ARN_PREFIX) + `T001`. */
export function tandemTopicArn(prefix: string, territoryId: string): string {
  if (!TERRITORY_ID.test(territoryId)) throw new RangeError(`not a territory id: ${territoryId}`);
  return `${prefix}${territoryId}`;
}

/** The topic name CreateTopic needs: the ARN's last segment. */
export function tandemTopicName(prefix: string, territoryId: string): string {
  return tandemTopicArn(prefix, territoryId).split(':').pop() ?? '';
}

/** Message attribute every tandem email carries; each subscription's filter policy selects one person. */
export const PERSON_ATTRIBUTE = 'personId';

export const personFilterPolicy = (personId: string): string => JSON.stringify({ [PERSON_ATTRIBUTE]: [personId] });
