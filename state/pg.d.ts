/**
 * The few parts of `pg` (node-postgres, installed with @langchain/langgraph-checkpoint-postgres)
 * that state/open.ts uses: the package ships no types and @types/pg is not a dependency.
 */
declare module "pg" {
  export interface PoolConfig {
    connectionString: string;
    max?: number;
  }
  export class Pool {
    constructor(config: PoolConfig);
    query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
    end(): Promise<void>;
    on(event: "error", listener: (error: Error) => void): this;
  }
  const pg: { Pool: typeof Pool };
  export default pg;
}
