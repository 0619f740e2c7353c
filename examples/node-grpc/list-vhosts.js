#!/usr/bin/env node
// Lists Kiln's virtual hosts over gRPC and prints their names as a JSON array.
//
// Environment:
//   KILN_ADDR           host:port of Kiln's API port (default 127.0.0.1:8081)
//   KILN_ACCESS_TOKEN   access token, sent as "authorization: Basic base64(token)"
//                       (default kiln-access-token)
//   KILN_PROTO_DIR      folder holding kiln/v1/*.proto (default ../../proto/src/main/proto)
//   KILN_PROTO_INCLUDE  folder holding google/api/*.proto (default ../../proto/target/proto-include)
//   KILN_DEADLINE_MS    call deadline in milliseconds (default 5000)
'use strict';

const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const here = __dirname;
const addr = process.env.KILN_ADDR || '127.0.0.1:8081';
const token = process.env.KILN_ACCESS_TOKEN || 'kiln-access-token';
const protoDir = path.resolve(here, process.env.KILN_PROTO_DIR || '../../proto/src/main/proto');
const includeDir = path.resolve(here, process.env.KILN_PROTO_INCLUDE || '../../proto/target/proto-include');
const deadlineMs = Number(process.env.KILN_DEADLINE_MS || 5000);

function loadKilnV1() {
  const definition = protoLoader.loadSync('kiln/v1/vhosts.proto', {
    includeDirs: [protoDir, includeDir],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
  });
  return grpc.loadPackageDefinition(definition).kiln.v1;
}

function main() {
  const kilnV1 = loadKilnV1();
  const client = new kilnV1.VirtualHostService(addr, grpc.credentials.createInsecure());

  const metadata = new grpc.Metadata();
  metadata.set('authorization', 'Basic ' + Buffer.from(token, 'utf8').toString('base64'));

  const deadline = new Date(Date.now() + deadlineMs);
  client.listVirtualHosts({}, metadata, { deadline }, (err, response) => {
    client.close();
    if (err) {
      const code = grpc.status[err.code] || String(err.code);
      process.stderr.write(`ListVirtualHosts failed: ${code}: ${err.details || err.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(JSON.stringify(response.names) + '\n');
  });
}

try {
  main();
} catch (e) {
  process.stderr.write(`list-vhosts: ${e.message}\n`);
  process.exitCode = 2;
}
