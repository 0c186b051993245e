// Types only: see types.d.ts.
export {};
