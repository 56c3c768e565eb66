#!/usr/bin/env node
// A small Node client of the bridge's ResponsesService, loading proto/ at run time.
//
// Usage:
//
//   node client.js -target 127.0.0.1:50051 -model gpt-4.1 -text "Hello"
//   node client.js -target 127.0.0.1:50051 -text "Count 40 words" -stream
//
// Unary prints the response's output text. With -stream it prints each text delta
// as it arrives, then a newline. On a non-OK status it prints the status code and
// message to stderr and exits 1. Flags take one or two dashes, as in Go.
//
// Needs @grpc/grpc-js and @grpc/proto-loader (package.json here): `npm install` next
// to this file, or `make stubs`, which installs them into gen/node/node_modules:
//   NODE_PATH=gen/node/node_modules node clients/node/client.js -text "Hello"
'use strict';

const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const USAGE = `usage: node client.js [-target host:port] [-model id] -text TEXT [-stream]
  [-timeout seconds] [-proto DIR]`;

const FLAGS = {
  target: '127.0.0.1:50051',
  model: 'gpt-4.1',
  text: '',
  stream: false,
  timeout: '600',
  // The folder holding rbridge/responses/v1/*.proto.
  proto: path.resolve(__dirname, '..', '..', 'proto'),
};

// The bridge sends messages up to 64 MiB (BRIDGE_MAX_MESSAGE_BYTES); gRPC clients
// receive 4 MiB by default, which a response with inline images can exceed.
const MAX_RECEIVE_BYTES = 64 * 1024 * 1024;

/** Parses `-name value`, `--name=value` and the boolean `-stream` into FLAGS' shape. */
function parseFlags(argv) {
  const flags = { ...FLAGS };
  for (let i = 0; i < argv.length; i++) {
    const match = /^--?([a-z]+)(?:=(.*))?$/.exec(argv[i]);
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
  return flags;
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
  return new v1.ResponsesService(flags.target, grpc.credentials.createInsecure(), {
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

function createResponse(client, request, options) {
  return new Promise((resolve, reject) => {
    client.CreateResponse(request, options, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

function streamCreateResponse(client, request, options) {
  return new Promise((resolve, reject) => {
    let printed = false;
    let settled = false;
    const call = client.StreamCreateResponse(request, options);
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

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const client = connect(flags);
  const request = { model: flags.model, input: { text: flags.text } };
  const options = { deadline: Date.now() + Number(flags.timeout) * 1000 };
  try {
    if (flags.stream) {
      await streamCreateResponse(client, request, options);
    } else {
      process.stdout.write(`${outputText(await createResponse(client, request, options))}\n`);
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
