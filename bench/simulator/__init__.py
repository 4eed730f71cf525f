"""The Amplify AppSync simulator as a peer of the benches: its npm package pinned in
`package.json` and `package-lock.json`, the Node script that serves an API with it (`serve.js`),
and the Python side that installs, starts and stops it (`peer.py`)."""
