// CreateAuthChallenge (Node.js): the code the user must answer (the round's number, so the test
// knows it), what the user is shown, and the round as the challenge's metadata, which the next
// rounds see in their session.
export const handler = async (event) => {
  const { session, userAttributes, userNotFound, challengeName } = event.request;
  const round = session.length + 1;
  const previous = session.map((entry) => `${entry.challengeMetadata}:${entry.challengeResult}`);
  event.response.publicChallengeParameters = {
    email: userAttributes.email ?? "",
    round: String(round),
    previous: previous.join(","),
    status: userAttributes["cognito:user_status"] ?? "",
    seen: `${challengeName}:${event.triggerSource}:${userNotFound}`,
  };
  event.response.privateChallengeParameters = { code: `code-${round}` };
  event.response.challengeMetadata = `ROUND-${round}`;
  return event;
};
