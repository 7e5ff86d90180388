// A sample ERP integration with Relance, written from contracts/README.md alone: it publishes plain JSON to the
// relance.erp exchange and checks the answers Relance publishes on relance.erp.accepted / relance.erp.rejected.
// Usage: RELANCE_RABBITMQ=amqp://guest:guest@127.0.0.1:5672/ node erp-sample.mjs   (exits 0 when every step is ok)
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';

const ERP = 'relance.erp';
const ACCEPTED = 'relance.erp.accepted';
const REJECTED = 'relance.erp.rejected';
const ANSWER_TIMEOUT_MS = 30_000;
const OVERALL_TIMEOUT_MS = 60_000;

const brokerUrl = process.env.RELANCE_RABBITMQ;
const companyId = process.env.RELANCE_SAMPLE_COMPANY || 'NODE-SAMPLE';

class StepFailed extends Error {
  constructor(message, answer) {
    super(message);
    this.answer = answer;
  }
}

const day = (offsetDays) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const redacted = (url) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

let connection;
const waiting = new Map(); // AMQP message id -> { resolve, reject, timer }

// The answer quoting messageId, as { exchange, body }; registered before publishing so it cannot be missed.
function answerTo(messageId, what) {
  const answer = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(messageId);
      reject(new StepFailed(`${what}: no answer quoting ${messageId} within ${ANSWER_TIMEOUT_MS / 1000} s`));
    }, ANSWER_TIMEOUT_MS);
    waiting.set(messageId, { resolve, reject, timer });
  });
  answer.catch(() => {}); // awaited by send(); this only keeps an early failure from counting as unhandled
  return answer;
}

function settle(messageId, outcome, value) {
  const waiter = waiting.get(messageId);
  if (!waiter) return; // answers are fanned out: other ERPs' answers arrive here too
  waiting.delete(messageId);
  clearTimeout(waiter.timer);
  waiter[outcome](value);
}

function failAll(error) {
  for (const messageId of [...waiting.keys()]) settle(messageId, 'reject', error);
}

async function send(channel, routingKey, body, what) {
  const messageId = `node-sample-${randomUUID()}`;
  const answer = answerTo(messageId, what);
  const properties = { messageId, contentType: 'application/json', persistent: true, mandatory: true };
  await new Promise((resolve, reject) =>
    channel.publish(ERP, routingKey, Buffer.from(JSON.stringify(body)), properties, (err) =>
      err ? reject(new StepFailed(`${what}: the broker refused the message (${err.message ?? err})`)) : resolve(),
    ),
  );
  return { messageId, answer: await answer };
}

function expectAccepted(what, { messageId, answer }, outcome) {
  if (answer.exchange !== ACCEPTED || answer.body.outcome !== outcome)
    throw new StepFailed(`${what}: expected outcome "${outcome}" for ${messageId}`, answer);
  console.log(`ok - ${what}: ${outcome}`);
}

function expectRejected(what, { messageId, answer }, fields) {
  const named = Array.isArray(answer.body.reasons) ? answer.body.reasons.map((r) => r.field) : [];
  if (answer.exchange !== REJECTED || !fields.every((f) => named.includes(f)))
    throw new StepFailed(`${what}: expected a rejection of ${messageId} naming ${fields.join(', ')}`, answer);
  console.log(`ok - ${what}: rejected (${answer.body.reasons.map((r) => `${r.field}: ${r.error}`).join('; ')})`);
}

async function main() {
  if (!brokerUrl) throw new StepFailed('set RELANCE_RABBITMQ, e.g. amqp://guest:guest@127.0.0.1:5672/');
  try {
    connection = await amqp.connect(brokerUrl);
  } catch (err) {
    throw new StepFailed(`cannot connect to ${redacted(brokerUrl)}: ${err.message}`);
  }
  connection.on('error', () => {}); // reported through 'close'
  connection.on('close', () => failAll(new StepFailed('the connection to RabbitMQ closed')));

  // Relance declares these exchanges; checking (not declaring) them gives a clear error when it is not running.
  const check = await connection.createChannel();
  check.on('error', () => {}); // a missing exchange closes this channel with a 404, reported below
  for (const exchange of [ERP, ACCEPTED, REJECTED]) {
    try {
      await check.checkExchange(exchange);
    } catch {
      throw new StepFailed(`exchange "${exchange}" does not exist: Relance's Invoice service must be running (e.g. deploy/up.sh)`);
    }
  }
  await check.close();

  const channel = await connection.createConfirmChannel();
  channel.on('error', (err) => failAll(new StepFailed(`channel error: ${err.message}`)));
  channel.on('return', (msg) =>
    settle(msg.properties.messageId, 'reject', new StepFailed(
      `no queue is bound to ${ERP} for "${msg.fields.routingKey}": Relance's Invoice service must be running (e.g. deploy/up.sh)`)),
  );
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, ACCEPTED, '');
  await channel.bindQueue(queue, REJECTED, '');
  await channel.consume(queue, (msg) => {
    if (!msg) return failAll(new StepFailed('the answer queue was cancelled'));
    let body;
    try {
      body = JSON.parse(msg.content.toString('utf8'));
    } catch {
      return; // not an answer this sample understands
    }
    if (body && typeof body.messageId === 'string') settle(body.messageId, 'resolve', { exchange: msg.fields.exchange, body });
  }, { noAck: true });

  const invoiceNumber = `NS-${Date.now()}`;
  const invoice = {
    companyId,
    invoiceNumber,
    customer: { customerId: 'C-NODE', name: 'Node Sample SARL', email: 'compta@node-sample.example' },
    issueDate: day(-40),
    dueDate: day(-10), // already past: the invoice is overdue as soon as it is registered
    amountExcludingVat: 1000.0,
    amountIncludingVat: 1200.0,
    currency: 'EUR',
    paymentTerms: { days: 30, endOfMonth: false },
  };

  let what = `invoice.issued ${invoiceNumber}`;
  expectAccepted(what, await send(channel, 'invoice.issued', invoice, what), 'applied');

  what = `invoice.issued ${invoiceNumber} again, under a new message id`;
  expectAccepted(what, await send(channel, 'invoice.issued', invoice, what), 'already-applied');

  const payment = { companyId, paymentId: `PAY-${invoiceNumber}`, invoiceNumber, amount: 1200.0, currency: 'EUR', receivedOn: day(0) };
  what = `payment.received ${payment.paymentId} for the full 1200.00 EUR`;
  expectAccepted(what, await send(channel, 'payment.received', payment, what), 'applied');

  const invalid = {
    ...invoice,
    invoiceNumber: `${invoiceNumber}-BAD`,
    customer: { customerId: 'C-NODE', name: 'Node Sample SARL' }, // no email: reminders would have nowhere to go
    currency: 'EURO', // not an ISO 4217 code
  };
  what = `invalid invoice.issued ${invalid.invoiceNumber} (no customer.email, currency "EURO")`;
  expectRejected(what, await send(channel, 'invoice.issued', invalid, what), ['customer.email', 'currency']);
}

let finished = false;
async function finish(error) {
  if (finished) return;
  finished = true;
  clearTimeout(overall);
  if (error) {
    const answer = error.answer ? ` - answer on ${error.answer.exchange}: ${JSON.stringify(error.answer.body)}` : '';
    console.log(`not ok - ${error?.message ?? error}${answer}`);
  }
  try {
    await Promise.race([connection?.close(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
  } catch {
    // already closed
  }
  process.exit(error ? 1 : 0);
}

const overall = setTimeout(
  () => finish(new StepFailed(`not finished within ${OVERALL_TIMEOUT_MS / 1000} s`)),
  OVERALL_TIMEOUT_MS,
);
main().then(() => finish(), finish);
