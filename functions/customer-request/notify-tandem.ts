/**
 * Workflow step NotifyTandem (state SendHeldSms): after the recipient's quiet
 * hours, sends what the outcome's notification held back — the rest was sent
 * when the request was concluded, and the notification log makes every send
 * happen once (workflow/notify-outcome.ts).
 */
import { stepHandler } from '../shared/step-handler';
import { notifyTandem, type NotifyTandemInput } from './workflow/notify-outcome';

export const handler = stepHandler('NotifyTandem', (input: NotifyTandemInput) => notifyTandem(input));
