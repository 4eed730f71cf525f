export function request(ctx) {
  const kept = [];
  for (const i of Array(100000000).keys()) {
    kept.push({ i, text: `item ${i}` });
  }
  return { payload: kept.length };
}

export function response(ctx) {
  return ctx.result;
}
