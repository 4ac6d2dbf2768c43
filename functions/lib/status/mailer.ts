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

/** Sends through SES v2 from the stage's sender, with its configuration set (bounces and complaints to its topic). */
export function sesMailer(client: SESv2Client, settings: ConfirmationMailSettings): Mailer {
  return {
    async send(mail) {
      await client.send(
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
    },
  };
}
