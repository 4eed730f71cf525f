// The NotesData stack's function: how many words the argument has (a Lambda data source of the
// NotesApi stack, which reaches it through the function's exported ARN).
exports.handler = async (event) => event.arguments.text.split(/\s+/).filter(Boolean).length;
