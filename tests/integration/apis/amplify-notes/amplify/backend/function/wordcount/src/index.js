/**
 * @type {import('@types/aws-lambda').AppSyncResolverHandler}
 * The Amplify CLI's Node.js function template, answering an @function field: the event is
 * AppSync's (arguments, identity, source, ...).
 */
exports.handler = async (event) => {
  const words = event.arguments.text.split(/\s+/).filter((word) => word.length > 0);
  return { words: words.length, env: process.env.ENV, owner: event.identity.username };
};
