import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import * as z from 'zod';

/** CONFIRMATION_MAIL, as the stack (infra/constructs/mail.ts) and the local stack set it. */
export const confirmationMailSettings = z.object({
  fromAddress: z.email(),
  configurationSet: z.string().min(1).optional(),
  statusPageUrl: z.url({ protocol: /^https?$/ }),
});
export type ConfirmationMailSettings = z.infer<typeof confirmationMailSettings>;

export function readMailSettings(json: string): ConfirmationMailSettings {
  return confirmationMailSettings.parse(JSON.parse(json));
}

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/**
 * SES's answers when the account's sending rate or daily quota is used up: `TooManyRequestsException`
 * (SES v2's 429), `LimitExceededException` (SES v2), `ThrottlingException`/`Throttling` (the names
 * the SES guide and the v1 API use); the AWS SDK counts all four as throttling. AWS's advice: wait
 * up to 10 minutes, then send again. None of them says anything about the mail itself.
 */
export const SEND_THROTTLES: ReadonlySet<string> = new Set(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException', 'Throttling']);

/** SES refused the send for the account's rate or quota (SEND_THROTTLES), after the SDK's own retries. */
export class SendThrottled extends Error {
  override readonly name = 'SendThrottled';
}

/** Sends through SES v2 from the stage's sender, with its configuration set (bounces and complaints to its topic). */
export function sesMailer(client: Pick<SESv2Client, 'send'>, settings: ConfirmationMailSettings): Mailer {
  return {
    async send(mail) {
      await sendEmail(client, settings, mail).catch((error: unknown) => {
        throw error instanceof Error && SEND_THROTTLES.has(error.name) ? new SendThrottled('SES throttled the send', { cause: error }) : error;
      });
    },
  };
}

function sendEmail(client: Pick<SESv2Client, 'send'>, settings: ConfirmationMailSettings, mail: Mail) {
  return client.send(
    new SendEmailCommand({
      FromEmailAddress: settings.fromAddress,
      Destination: { ToAddresses: [mail.to] },
      ...(settings.configurationSet ? { ConfigurationSetName: settings.configurationSet } : {}),
      Content: {
        Simple: {
          Subject: { Data: mail.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
        },
      },
    }),
  );
}
