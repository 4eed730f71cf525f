// CustomMessage (Node.js): each message names its trigger source and the user's email, and
// places the code (and, in an invitation, the user name) where Cognito fills them in.
export const handler = async (event) => {
  const { codeParameter, usernameParameter, userAttributes } = event.request;
  const who = usernameParameter ?? userAttributes.email;
  event.response.emailSubject = `${event.triggerSource} for ${userAttributes.email}`;
  event.response.emailMessage = `Hello ${who}, your code is ${codeParameter}`;
  event.response.smsMessage = `${event.triggerSource}: ${codeParameter}`;
  return event;
};
