export const greeting = (name: string): string => `Hello from TypeScript, ${name}!`;
