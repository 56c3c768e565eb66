#!/usr/bin/env node
// A small Node client of the bridge's ResponsesService, loading proto/ at run time.
//
// Usage:
//
//   node client.js -target 127.0.0.1:50051 -model gpt-4.1 -text "Hello"
//   node client.js -target 127.0.0.1:50051 -text "Count 40 words" -stream
//   node client.js -target bridge.example.com:443 -ca ca.pem -token-file token -text "Hello"
//   node client.js -target 127.0.0.1:50051 -text "weather in Paris" -session
//
// Unary prints the response's output text. With -stream it prints each text delta
// as it arrives, then a newline. With -session it runs a two-turn tool loop over one
// Session (the agent loop of the Responses API's WebSocket mode): the model is offered a
// get_weather function, its call is printed ("call NAME ARGUMENTS") and answered with
// -tool-output through previous_response_id, and the next turn's text is printed. On a
// non-OK status, or an error event in a session, it prints the status code and message
// to stderr and exits 1. Flags take one or two dashes, as in Go.
//
// The connection is plaintext unless -tls, -ca or -cert is given. The bearer token
// comes from -token-file, else -token, else the BRIDGE_TOKEN variable; -target and
// -model default to BRIDGE_TARGET and BRIDGE_MODEL when those are set.
//
// Needs @grpc/grpc-js and @grpc/proto-loader (package.json here): `npm install` next
// to this file, or `make stubs`, which installs them into gen/node/node_modules:
//   NODE_PATH=gen/node/node_modules node clients/node/client.js -text "Hello"
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const USAGE = `usage: node client.js [-target host:port] [-model id] -text TEXT [-stream]
  [-session [-tool-output TEXT]] [-timeout seconds] [-proto DIR] [-tls] [-ca FILE] [-cert FILE -key FILE]
  [-token-file FILE] [-token TOKEN]`;

const TOKEN_VARIABLE = 'BRIDGE_TOKEN';

const FLAGS = {
  target: process.env.BRIDGE_TARGET || '127.0.0.1:50051',
  model: process.env.BRIDGE_MODEL || 'gpt-4.1-mini',
  text: '',
  stream: false,
  session: false, // a two-turn tool loop over one Session
  'tool-output': 'sunny', // with -session: the function's result
  timeout: '600',
  // The folder holding rbridge/responses/v1/*.proto.
  proto: path.resolve(__dirname, '..', '..', 'proto'),
  tls: false, // TLS trusting the system's roots; -ca and -cert imply it
  ca: '', // CA certificate (PEM) to trust
  cert: '', // client certificate chain (PEM), for mutual TLS
  key: '', // the client certificate's private key (PEM)
  'token-file': '', // file holding the bearer token
  token: '', // the bearer token itself: visible in ps, prefer the file or BRIDGE_TOKEN
};

// The bridge sends messages up to 64 MiB (BRIDGE_MAX_MESSAGE_BYTES); gRPC clients
// receive 4 MiB by default, which a response with inline images can exceed.
const MAX_RECEIVE_BYTES = 64 * 1024 * 1024;

/** Parses `-name value`, `--name=value` and the boolean `-stream` into FLAGS' shape. */
function parseFlags(argv) {
  const flags = { ...FLAGS };
  for (let i = 0; i < argv.length; i++) {
    const match = /^--?([a-z][a-z-]*)(?:=(.*))?$/.exec(argv[i]);
    if (!match || !(match[1] in flags)) usage(`unknown argument: ${argv[i]}`);
    const [, name, inline] = match;
    if (typeof flags[name] === 'boolean') {
      flags[name] = inline === undefined ? true : inline === 'true';
    } else if (inline !== undefined) {
      flags[name] = inline;
    } else if (i + 1 < argv.length) {
      flags[name] = argv[++i];
    } else {
      usage(`flag needs a value: ${argv[i]}`);
    }
  }
  if (!flags.text) usage('-text is required');
  if (!flags.cert !== !flags.key) usage('a client certificate needs both -cert and -key');
  return flags;
}

/** How the connection is secured: TLS (mutual TLS with a client certificate), else plaintext. */
function channelCredentials(flags) {
  if (!flags.tls && !flags.ca && !flags.cert) return grpc.credentials.createInsecure();
  const read = (file) => (file ? fs.readFileSync(file) : null);
  return grpc.credentials.createSsl(read(flags.ca), read(flags.key), read(flags.cert));
}

/** The bearer token to send: from the file, else the flag (with a warning), else the environment. */
function bearerToken(flags) {
  if (flags['token-file']) {
    const token = fs.readFileSync(flags['token-file'], 'utf8').trim();
    if (!token) usage(`no token in ${flags['token-file']}`);
    return token;
  }
  if (flags.token) {
    process.stderr.write(
      `warning: -token is visible to other users in ps; use -token-file or ${TOKEN_VARIABLE}\n`,
    );
    return flags.token;
  }
  return process.env[TOKEN_VARIABLE] || '';
}

function usage(problem) {
  process.stderr.write(`${problem}\n${USAGE}\n`);
  process.exit(2);
}

/** Loads the contract and returns a ResponsesService client. */
function connect(flags) {
  const definition = protoLoader.loadSync('rbridge/responses/v1/responses_service.proto', {
    keepCase: true, // field names as in the proto, which are the JSON keys
    longs: Number, // int64 (created_at, completed_at) as numbers, not Long objects
    enums: String,
    defaults: false,
    arrays: true, // empty repeated fields as [], never undefined
    oneofs: true, // each oneof's name holds the name of the arm that is set
    // google/protobuf/struct.proto resolves without a folder: protobufjs bundles
    // the well-known types (protobufjs/src/common.js).
    includeDirs: [flags.proto],
  });
  const v1 = grpc.loadPackageDefinition(definition).rbridge.responses.v1;
  return new v1.ResponsesService(flags.target, channelCredentials(flags), {
    'grpc.max_receive_message_length': MAX_RECEIVE_BYTES,
  });
}

/** The concatenated output_text parts of the response's messages, as the SDKs' output_text. */
function outputText(response) {
  const texts = [];
  for (const item of response.output) {
    if (item.item !== 'message' || !item.message.content) continue;
    const content = item.message.content;
    if (content.content === 'text') {
      texts.push(content.text);
    } else if (content.content === 'parts') {
      for (const part of content.parts.parts) {
        if (part.part === 'output_text') texts.push(part.output_text.text ?? '');
      }
    }
  }
  return texts.join('');
}

function createResponse(client, request, metadata, options) {
  return new Promise((resolve, reject) => {
    client.CreateResponse(request, metadata, options, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

function streamCreateResponse(client, request, metadata, options) {
  return new Promise((resolve, reject) => {
    let printed = false;
    let settled = false;
    const call = client.StreamCreateResponse(request, metadata, options);
    call.on('data', (event) => {
      // Other events (created, output_item_added, completed, ...) are not printed;
      // event.completed.response holds the final Response.
      if (event.event === 'output_text_delta') {
        process.stdout.write(event.output_text_delta.delta ?? '');
        printed = true;
      }
    });
    // A non-OK status is an 'error'; 'end' follows only an OK status (the bridge saw
    // response.completed or response.incomplete).
    call.on('error', (error) => {
      if (settled) return;
      settled = true;
      if (printed) process.stdout.write('\n');
      reject(error);
    });
    call.on('end', () => {
      if (settled) return;
      settled = true;
      process.stdout.write('\n');
      resolve();
    });
  });
}

// The stream_id of the tool loop's creates.
const SESSION_LANE = 'agent';

// get_weather, as a Tool message (parameters is a google.protobuf.Struct).
const WEATHER_TOOL = {
  function: {
    name: 'get_weather',
    description: 'The current weather of a place',
    strict: false,
    parameters: {
      fields: {
        type: { string_value: 'object' },
        properties: {
          struct_value: {
            fields: {
              input: { struct_value: { fields: { type: { string_value: 'string' } } } },
            },
          },
        },
        required: { list_value: { values: [{ string_value: 'input' }] } },
      },
    },
  },
};

/**
 * The agent loop over one Session: a create offering get_weather, the function call it
 * answers with, then a create carrying the call's output (continuing the first response
 * through previous_response_id) and the text it answers with.
 */
async function toolLoop(client, request, toolOutput, metadata, options) {
  const call = client.Session(metadata, options);
  const events = sessionEvents(call);
  const turn = async (create) => {
    call.write({ response_create: { stream_id: SESSION_LANE, response: create } });
    for (;;) {
      const { value, done } = await events.next();
      if (done) throw new Error('the session ended before the response did');
      const event = value.event;
      if (event.event === 'error') {
        const failure = event.error;
        const text = failure.message || (failure.error && failure.error.message) || '';
        const error = new Error(`error event (HTTP ${failure.status}): ${text}`);
        error.code = grpc.status.UNKNOWN;
        throw error;
      }
      if (['completed', 'incomplete', 'failed'].includes(event.event)) {
        return event[event.event].response;
      }
    }
  };
  try {
    const first = await turn({ ...request, tools: [WEATHER_TOOL] });
    const item = first.output.find((candidate) => candidate.item === 'function_call');
    if (!item) throw new Error(`the first turn called no function: ${outputText(first)}`);
    const fn = item.function_call;
    process.stdout.write(`call ${fn.name} ${fn.arguments}\n`);
    const output = { function_call_output: { call_id: fn.call_id, output: { text: toolOutput } } };
    const second = await turn({
      model: request.model,
      previous_response_id: first.id,
      tools: [WEATHER_TOOL],
      input: { items: { items: [output] } },
    });
    process.stdout.write(`${outputText(second)}\n`);
    // Half-close: the session ends OK once its responses have.
    call.end();
    while (!(await events.next()).done);
  } catch (error) {
    call.cancel();
    throw error;
  }
}

/** The session's server events as an async iterator; a non-OK status is thrown. */
async function* sessionEvents(call) {
  const queue = [];
  let wake = null;
  const push = (entry) => {
    queue.push(entry);
    if (wake) wake();
  };
  call.on('data', (event) => push({ event }));
  call.on('error', (error) => push({ error }));
  call.on('end', () => push({ end: true }));
  for (;;) {
    if (!queue.length) await new Promise((resolve) => (wake = resolve));
    wake = null;
    const entry = queue.shift();
    if (entry.error) throw entry.error;
    if (entry.end) return;
    yield entry.event;
  }
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  let client;
  const metadata = new grpc.Metadata();
  try {
    client = connect(flags);
    const token = bearerToken(flags);
    if (token) metadata.set('authorization', `Bearer ${token}`);
  } catch (error) {
    // An unreadable certificate, key or token file.
    usage(error.message);
  }
  const request = { model: flags.model, input: { text: flags.text } };
  const options = { deadline: Date.now() + Number(flags.timeout) * 1000 };
  try {
    if (flags.session) {
      await toolLoop(client, request, flags['tool-output'], metadata, options);
    } else if (flags.stream) {
      await streamCreateResponse(client, request, metadata, options);
    } else {
      const response = await createResponse(client, request, metadata, options);
      process.stdout.write(`${outputText(response)}\n`);
    }
  } catch (error) {
    // grpc.status maps numbers to names both ways: status[14] is 'UNAVAILABLE'.
    const name = grpc.status[error.code] ?? 'UNKNOWN';
    process.stderr.write(`${name}: ${error.details ?? error.message}\n`);
    process.exitCode = 1;
  } finally {
    client.close();
  }
}

main();
