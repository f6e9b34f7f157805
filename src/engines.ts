// The self-hosted engines kvlint replays (providers.md §6): one KV pool per run, shared by every request.
// Its own module, with no imports: the command line names them before anything else is loaded.
export const ENGINES = ['vllm', 'sglang', 'tgi', 'trtllm'] as const;
export type Engine = (typeof ENGINES)[number];

export function isEngine(regime: string): regime is Engine {
  return (ENGINES as readonly string[]).includes(regime);
}
