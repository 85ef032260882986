// Ports developers meet every day. IANA's registry names 3000 "remoteware-cl" and 5173 nothing at
// all, which helps nobody reading a list of dev servers, so this list wins over IANA.
import type { Protocol } from '../model.js';

export interface DeveloperPort {
  port: number;
  /** Defaults to tcp. */
  protocol?: Protocol;
  name: string;
  description?: string;
}

export const DEVELOPER_PORTS: readonly DeveloperPort[] = [
  { port: 1025, name: 'SMTP (dev mail catcher)', description: 'Mailpit, MailHog and MailDev default' },
  { port: 1433, name: 'SQL Server' },
  { port: 1521, name: 'Oracle Database' },
  { port: 2181, name: 'ZooKeeper' },
  { port: 2375, name: 'Docker API (plain)' },
  { port: 2376, name: 'Docker API (TLS)' },
  { port: 3000, name: 'Dev server (Node/React/Rails)', description: 'Express, Create React App, Next.js, Rails, Grafana default' },
  { port: 3001, name: 'Dev server (second app)' },
  { port: 3100, name: 'Loki' },
  { port: 3306, name: 'MySQL' },
  { port: 4000, name: 'Dev server (Phoenix/Gatsby serve/Jekyll)' },
  { port: 4200, name: 'Angular dev server' },
  { port: 4317, name: 'OpenTelemetry (OTLP gRPC)' },
  { port: 4318, name: 'OpenTelemetry (OTLP HTTP)' },
  { port: 4321, name: 'Astro dev server' },
  { port: 4566, name: 'LocalStack' },
  { port: 5000, name: 'Dev server (Flask/ASP.NET/serve)', description: 'Also the macOS AirPlay Receiver since Monterey' },
  { port: 5001, name: 'Dev server (ASP.NET HTTPS)' },
  { port: 5173, name: 'Vite dev server' },
  { port: 5174, name: 'Vite dev server (second app)' },
  { port: 5432, name: 'PostgreSQL' },
  { port: 5500, name: 'Live Server (VS Code)' },
  { port: 5601, name: 'Kibana' },
  { port: 5672, name: 'RabbitMQ (AMQP)' },
  { port: 5678, name: 'debugpy (Python debugger)' },
  { port: 6006, name: 'Storybook', description: 'Also TensorBoard' },
  { port: 6379, name: 'Redis' },
  { port: 6443, name: 'Kubernetes API server' },
  { port: 7474, name: 'Neo4j browser' },
  { port: 7687, name: 'Neo4j Bolt' },
  { port: 8000, name: 'Dev server (Django/uvicorn/http.server)' },
  { port: 8025, name: 'Mail catcher web UI' },
  { port: 8080, name: 'HTTP alternate / dev server' },
  { port: 8081, name: 'Metro bundler / HTTP alternate' },
  { port: 8088, name: 'HTTP alternate' },
  { port: 8200, name: 'Vault' },
  { port: 8443, name: 'HTTPS alternate' },
  { port: 8500, name: 'Consul' },
  { port: 8787, name: 'Wrangler (Cloudflare Workers)' },
  { port: 8888, name: 'Jupyter' },
  { port: 9000, name: 'Dev server (PHP-FPM/SonarQube/MinIO)' },
  { port: 9001, name: 'MinIO console' },
  { port: 9090, name: 'Prometheus' },
  { port: 9092, name: 'Kafka' },
  { port: 9200, name: 'Elasticsearch' },
  { port: 9222, name: 'Chrome DevTools protocol' },
  { port: 9229, name: 'Node.js inspector' },
  { port: 9300, name: 'Elasticsearch transport' },
  { port: 9323, name: 'Playwright report' },
  { port: 11211, name: 'memcached' },
  { port: 11434, name: 'Ollama' },
  { port: 15672, name: 'RabbitMQ management' },
  { port: 16686, name: 'Jaeger UI' },
  { port: 19000, name: 'Expo dev server' },
  { port: 24678, name: 'Vite HMR websocket' },
  { port: 26379, name: 'Redis Sentinel' },
  { port: 27017, name: 'MongoDB' },
  { port: 35729, name: 'LiveReload' },
  { port: 54321, name: 'Supabase API' },
  { port: 54322, name: 'Supabase PostgreSQL' },
  { port: 54323, name: 'Supabase Studio' },
];

let index: Map<number, DeveloperPort> | undefined;

export function developerPort(port: number, protocol: Protocol): DeveloperPort | null {
  if (!index) {
    index = new Map();
    for (const entry of DEVELOPER_PORTS) index.set(portKey(entry.port, entry.protocol ?? 'tcp'), entry);
  }
  return index.get(portKey(port, protocol)) ?? null;
}

/** One number per port and protocol: map lookups on it cost nothing next to building strings. */
export function portKey(port: number, protocol: Protocol): number {
  return protocol === 'tcp' ? port : port + 65536;
}
