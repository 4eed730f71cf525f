// The Amplify AppSync simulator (@aws-amplify/amplify-appsync-simulator, what `amplify mock api`
// runs) serving one API on loopback, as a peer of the benches under bench/.
//
//     NODE_PATH=<install>/node_modules node bench/simulator/serve.js CONFIG.json PORT
//
// CONFIG.json is the simulator's own AmplifyAppSyncSimulatorConfig (schema, dataSources,
// resolvers, mappingTemplates, appSync), as bench/simulator.py writes it. The simulator listens
// on every interface by default; here its HTTP server is bound to 127.0.0.1, so the benches stay
// on loopback. GraphQL is served on http://127.0.0.1:PORT/graphql and the realtime websockets on
// ws://127.0.0.1:PORT/graphql/realtime. "listening" is printed once it listens; SIGTERM stops it.
'use strict';

const fs = require('fs');
const http = require('http');
const { AmplifyAppSyncSimulator } = require('@aws-amplify/amplify-appsync-simulator');

const [configPath, portText] = process.argv.slice(2);
if (!configPath || !portText) {
  console.error('usage: node serve.js CONFIG.json PORT');
  process.exit(2);
}
const port = Number(portText);

// The simulator calls `httpServer.listen(port)`, which binds every interface.
const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function (...args) {
  if (args.length === 1 && typeof args[0] === 'number') {
    return listen.call(this, args[0], '127.0.0.1');
  }
  return listen.apply(this, args);
};

async function main() {
  const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
  const simulator = new AmplifyAppSyncSimulator({ port, wsPort: port });
  simulator.init(config);
  await simulator.start();
  console.log('listening');
  const stop = () => {
    simulator.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
