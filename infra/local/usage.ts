/**
 * What `npm start -- --help` prints: every environment setting the local stack reads, each
 * described in docs/local.md (test/unit/localSettings.test.ts keeps the three in step).
 */
export const SETTINGS_DOC = 'docs/local.md';

export const USAGE = `usage: npm start [-- --help]

Runs the whole backend on this machine in the foreground (DynamoDB Local, the local KMS and
Secrets Manager, the HTTP gateway with the Lambda handlers), all on 127.0.0.1. Prints
"listening on http://127.0.0.1:<port>" when ready and writes <data dir>/stack.json; Ctrl-C
(SIGINT), SIGTERM or SIGHUP stops everything. It takes no arguments; it is configured by environment:

  PORT=3000                  the gateway's port (0: any free port)
  LOCAL_DATA_DIR=.local      where tables, key material and credentials are kept
  STAGE=<name>               the administration's stage file infra/stages/<name>.json (default: cdk.json's
                             context "stage", kreis-bergstrasse-dev)
  STAGE_FILE=<path>          a stage file elsewhere, instead of STAGE
  FORMS_DIR=schemas/forms    the form definitions to serve
  CORS_ORIGINS=<o1>,<o2>     browser origins allowed by CORS (default: the stage file's corsOrigins)
  LOCAL_STATUS_PAGE_URL=<url>  the status page that confirmation mails link to (default: <apiUrl>/portal/status)
  LOCAL_STATUS_RATE_LIMIT=60 requests a minute per client on GET /status/{reference}
  POWERTOOLS_LOG_LEVEL=WARN  the handlers' log level
  LOCAL_KMS_FAULTS=1         tests only: fault injection on the local KMS (POST /_faults)
  LOCAL_TEST_CONTROL=1       tests only: an endpoint that stops and restarts DynamoDB Local
  LOCAL_DYNAMODB_ALL_INTERFACES=1  tests only: run DynamoDB Local as a JRE without javac would
  LOCAL_QUEUE_VISIBILITY_SECONDS=N tests only: a failed queue message comes back after N seconds
  LOCAL_WORKERS=off          measurements only: no stream and queue workers (in AWS they do not
                             share the routes' CPU; npm run test:load -- --workers off)
  LOCAL_COUNT_CALLS=1        measurements only: count every AWS call by function, service and
                             operation, served at GET /_local/calls (npm run test:load prints them)
  LOCAL_DELIVERY_BACKOFF='{"baseSeconds":1,"capSeconds":2,"retrySeconds":10}'
                             tests only: retry deliveries after seconds, not minutes

Every setting, its default and what it is for: ${SETTINGS_DOC}.`;
