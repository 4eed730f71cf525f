import { greeting } from "./greeting";

interface GreetArguments {
  name: string;
}

export const lambdaHandler = async (event: GreetArguments): Promise<string> => greeting(event.name);
