/**
 * @type {import('@types/aws-lambda').PreSignUpTriggerHandler}
 * The auth category's PreSignup trigger (`amplify add auth` -> "email domain denylist"): a
 * sign-up whose email is of a denied domain is refused with the function's error.
 */
exports.handler = async (event) => {
  const denied = (process.env.DOMAINDENYLIST || "").split(",").map((domain) => domain.trim());
  const email = event.request.userAttributes.email || "";
  const domain = email.substring(email.indexOf("@") + 1);
  if (denied.includes(domain)) {
    throw new Error(`Invalid email domain: ${domain}`);
  }
  return event;
};
