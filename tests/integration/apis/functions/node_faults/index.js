// Fails on demand: throws, outlives its 1-second Timeout, exits, or logs megabytes.
class NoteMissingError extends Error {
  constructor(message) {
    super(message);
    this.name = "NoteMissingError";
  }
}

exports.handler = async (event) => {
  const kind = event.arguments.kind;
  if (kind === "throw" || kind === "typed") throw new NoteMissingError("note 7 is missing");
  if (kind === "timeout") await new Promise((resolve) => setTimeout(resolve, 30000));
  if (kind === "exit") process.exit(2);
  if (kind === "chatty") {
    const line = "x".repeat(1023);
    for (let i = 0; i < 5 * 1024; i++) console.log(line);
    return "printed 5 MB";
  }
  return `ok from ${process.pid}`;
};
