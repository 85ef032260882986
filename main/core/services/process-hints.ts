// What a listening process tells us about the service on its port. The owner beats any port table:
// Vite on 3000 is Vite, not "Dev server (Node/React/Rails)". Order matters: the first hit wins, so
// port-specific and more specific entries come before the general ones they would shadow.
import type { ProcessInfo } from '../model.js';
import { matchesProgram, programView, tool, type ProgramMatcher } from './program.js';

export interface ProcessHint extends ProgramMatcher {
  label: string;
  description?: string;
  /** Only these ports: for programs that serve several things (an inspector, a management UI). */
  ports?: readonly number[];
  /** Reads the port from the command line ("--inspect=9230"); when it matches, it replaces `ports`. */
  portArg?: RegExp;
}

const JAVA = /^(java|javaw)$/;
const PYTHON = /^(python[\d.]*|pythonw?|py|pypy3?)$/;
const RUBY = /^(ruby[\d.]*|bundle|bundler)$/;
const BEAM = /^(beam(\.smp)?|erl|erlexec)$/;

const DEV_TOOLS: readonly ProcessHint[] = [
  { label: 'Node.js inspector', command: /--inspect(?:-brk|-wait)?(?:[=\s]|$)/, portArg: /--inspect(?:-brk|-wait)?=(?:\S*:)?(\d+)/, ports: [9229] },
  { label: 'Chrome DevTools protocol', command: /--remote-debugging-port=\d+/, portArg: /--remote-debugging-port=(\d+)/ },
  { label: 'Java debugger (JDWP)', command: /-agentlib:jdwp=/, portArg: /-agentlib:jdwp=\S*address=(?:[^\s,:]*:)?(\d+)/ },
  { label: 'Vite HMR websocket', command: tool('vite'), ports: [24678] },
  { label: 'Vite dev server', command: tool('vite') },
  { label: 'Next.js dev server', command: tool('next', String.raw`\s+dev\b`) },
  { label: 'Next.js server', command: /next-server|(?:^|[\\/\s])next(?:\.js)?\s+start\b/ },
  { label: 'Nuxt dev server', command: /(?:^|[\\/\s])nuxi?(?:\.[cm]?js)?\s+dev\b/ },
  { label: 'Astro dev server', command: tool('astro', String.raw`\s+dev\b`) },
  { label: 'Remix dev server', command: tool('remix', String.raw`\s+(?:vite:)?dev\b`) },
  { label: 'Angular dev server', command: tool('ng', String.raw`\s+serve\b`) },
  { label: 'Storybook', command: /(?:^|[\\/\s])(?:storybook|sb)(?:\.[cm]?js)?\s+dev\b|start-storybook|node_modules[\\/](?:@storybook[\\/]cli|storybook)[\\/]/ },
  { label: 'webpack dev server', command: /webpack-dev-server|(?:^|[\\/\s])webpack(?:-cli)?(?:\.[cm]?js)?\s+serve\b/ },
  { label: 'Create React App dev server', command: tool('react-scripts', String.raw`\s+start\b`) },
  { label: 'Vue CLI dev server', command: tool('vue-cli-service', String.raw`\s+serve\b`) },
  { label: 'Gatsby dev server', command: tool('gatsby', String.raw`\s+develop\b`) },
  { label: 'Parcel dev server', command: tool('parcel') },
  { label: 'Metro bundler', command: /(?:^|[\\/\s])(?:react-native|rnc-cli)\s+start\b|(?:^|[\\/\s])metro\b/ },
  { label: 'Expo dev server', command: tool('expo', String.raw`\s+start\b`) },
  { label: 'Wrangler (Cloudflare Workers)', command: tool('wrangler', String.raw`\s+dev\b`) },
  { label: 'Netlify Dev', command: tool('netlify', String.raw`\s+dev\b`) },
  { label: 'Vercel dev server', command: tool('vercel', String.raw`\s+dev\b`) },
  { label: 'Firebase emulators', command: /firebase(?:\.[cm]?js)?\s+emulators/ },
  { label: 'Docusaurus dev server', command: tool('docusaurus', String.raw`\s+start\b`) },
  { label: 'Browsersync UI', command: /browser-sync/, ports: [3001] },
  { label: 'Browsersync', command: /browser-sync/ },
  { label: 'Live Server', command: /live-server/ },
  { label: 'JSON Server', command: tool('json-server') },
  { label: 'http-server (static files)', command: tool('http-server') },
  { label: 'esbuild dev server', program: /^esbuild$/, command: /--serve/ },
  { label: 'Live Server (VS Code)', program: /^(code|code-insiders|codium|cursor)$/, ports: [5500] },
  { label: 'VS Code Server', command: /\.vscode-server|code-server/ },
];

const LANGUAGE_SERVERS: readonly ProcessHint[] = [
  // debugpy wraps the app it debugs ("-m debugpy --listen 5678 -m flask run"): only its own port.
  { label: 'debugpy', command: /debugpy/, portArg: /--listen\s+(?:\S*:)?(\d+)/, ports: [5678] },
  { label: 'Python http.server', program: PYTHON, command: /-m\s+http\.server\b/ },
  { label: 'Django dev server', command: /manage\.py\s+runserver\b/ },
  { label: 'Flask dev server', command: /(?:^|[\\/\s])flask\s+run\b|-m\s+flask\b/ },
  { label: 'Uvicorn (ASGI)', command: tool('uvicorn') },
  { label: 'Gunicorn', command: /(?:^|[\\/\s])gunicorn\b/ },
  { label: 'Hypercorn (ASGI)', command: /(?:^|[\\/\s])hypercorn\b/ },
  { label: 'Streamlit', command: /streamlit\s+run\b/ },
  { label: 'TensorBoard', command: /(?:^|[\\/\s])tensorboard\b/ },
  { label: 'MLflow', command: /(?:^|[\\/\s])mlflow\s+(?:ui|server)\b/ },
  { label: 'Jupyter kernel', command: /ipykernel_launcher|-m\s+ipykernel\b/ },
  { label: 'Jupyter', command: /jupyter[-_ ](?:lab|notebook|server)|-m\s+(?:jupyterlab|notebook|jupyter_server)\b/ },
  { label: 'MkDocs dev server', command: /mkdocs\s+serve\b/ },
  { label: 'Rails (Puma)', command: /(?:^|[\\/\s])rails\s+(?:s|server)\b|(?:^|[\\/\s])puma\b/ },
  { label: 'Unicorn (Ruby)', command: /(?:^|[\\/\s])unicorn(?:_rails)?\b/ },
  { label: 'Thin (Ruby)', program: RUBY, command: /(?:^|[\\/\s])thin\s+start\b/ },
  { label: 'Jekyll dev server', command: /jekyll\s+serve\b/ },
  { label: 'Laravel dev server', command: /artisan\s+serve\b/ },
  { label: 'PHP built-in server', program: /^php[\d.]*$/, command: /\s-S\s/ },
  { label: 'PHP-FPM', program: /^php-fpm/ },
  { label: 'Hugo dev server', program: /^hugo$/, command: /\bserver\b/ },
  { label: '.NET app (Kestrel)', program: /^dotnet$/, command: /\s(?:run|watch)\b/ },
  { label: 'Delve debugger', program: /^dlv$/ },
  { label: 'Bun server', program: /^bun$/ },
  { label: 'Deno server', program: /^deno$/ },
];

const JAVA_SERVERS: readonly ProcessHint[] = [
  { label: 'Elasticsearch transport', program: JAVA, command: /org\.elasticsearch\./, ports: [9300] },
  { label: 'Elasticsearch', program: JAVA, command: /org\.elasticsearch\./ },
  { label: 'OpenSearch', program: JAVA, command: /org\.opensearch\./ },
  { label: 'Kafka', program: JAVA, command: /\bkafka\.Kafka\b/ },
  { label: 'ZooKeeper', program: JAVA, command: /org\.apache\.zookeeper\./ },
  { label: 'Cassandra', program: JAVA, command: /org\.apache\.cassandra\./ },
  { label: 'Solr', program: JAVA, command: /solr/i },
  { label: 'Tomcat', program: JAVA, command: /org\.apache\.catalina\./ },
  { label: 'Jetty', program: JAVA, command: /org\.eclipse\.jetty|jetty-runner|\bjetty\b/ },
  { label: 'Jenkins', program: JAVA, command: /jenkins\.war/ },
  { label: 'Keycloak', program: JAVA, command: /keycloak/i },
  { label: 'Neo4j', program: JAVA, command: /neo4j/i },
  { label: 'Spring Boot app', program: JAVA, command: /org\.springframework\.boot|spring-boot/ },
  { label: 'Quarkus app', program: JAVA, command: /quarkus/i },
  { label: 'Gradle daemon', program: JAVA, command: /GradleDaemon/ },
  { label: 'JetBrains IDE', program: /^(idea|idea64|pycharm|webstorm|goland|clion|rider|rubymine|phpstorm|datagrip|rustrover|studio)/ },
];

const DATA_STORES: readonly ProcessHint[] = [
  { label: 'PostgreSQL', program: /^(postgres|postmaster)$/ },
  { label: 'PostgreSQL', command: /^postgres:/ },
  { label: 'PgBouncer', program: /^pgbouncer$/ },
  { label: 'MySQL X Protocol', program: /^(mysqld|mariadbd)$/, ports: [33060] },
  { label: 'MariaDB', program: /^mariadbd$/ },
  { label: 'MariaDB', program: /^mysqld$/, command: /mariadb/i },
  { label: 'MySQL', program: /^(mysqld|mysqld-nt)$/ },
  { label: 'Redis Sentinel', program: /^redis-(server|sentinel)$/, command: /sentinel/, ports: [26379] },
  { label: 'Redis', program: /^(redis-server|redis-stack-server|memurai)$/ },
  { label: 'Valkey', program: /^valkey-server$/ },
  { label: 'KeyDB', program: /^keydb-server$/ },
  { label: 'Dragonfly', program: /^dragonfly$/ },
  { label: 'MongoDB', program: /^mongod$/ },
  { label: 'MongoDB router', program: /^mongos$/ },
  { label: 'memcached', program: /^memcached$/ },
  { label: 'ClickHouse', program: /^clickhouse(-server)?$/ },
  { label: 'InfluxDB', program: /^influxd$/ },
  { label: 'CockroachDB', program: /^cockroach$/ },
  { label: 'etcd', program: /^etcd$/ },
  { label: 'RabbitMQ management', program: BEAM, command: /rabbit/, ports: [15672] },
  { label: 'RabbitMQ inter-node', program: BEAM, command: /rabbit/, ports: [25672] },
  { label: 'RabbitMQ', program: BEAM, command: /rabbit/ },
  { label: 'CouchDB', program: BEAM, command: /couchdb/ },
  { label: 'Erlang port mapper', program: /^epmd$/ },
  { label: 'SQL Server', program: /^sqlservr$/ },
  { label: 'Oracle listener', program: /^tnslsnr$/ },
  { label: 'NATS', program: /^nats-server$/ },
  { label: 'Mosquitto (MQTT)', program: /^mosquitto$/ },
  { label: 'MinIO', program: /^minio$/ },
  { label: 'Meilisearch', program: /^meilisearch$/ },
  { label: 'Qdrant', program: /^qdrant$/ },
  { label: 'Ollama', program: /^ollama/ },
  { label: 'Mailpit', program: /^(mailpit|mailhog)$/ },
];

const SYSTEM: readonly ProcessHint[] = [
  { label: 'nginx', program: /^(nginx|openresty)$/ },
  { label: 'nginx', command: /^nginx: / },
  { label: 'Apache httpd', program: /^(httpd|apache2?)$/ },
  { label: 'Caddy', program: /^caddy$/ },
  { label: 'Traefik', program: /^traefik$/ },
  { label: 'HAProxy', program: /^haproxy$/ },
  { label: 'Envoy', program: /^envoy$/ },
  { label: 'lighttpd', program: /^lighttpd$/ },
  { label: 'Varnish', program: /^varnishd$/ },
  { label: 'IIS', program: /^w3wp$/ },
  { label: 'SSH server', program: /^(sshd|sshd-session|dropbear)$/ },
  { label: 'Docker Engine API', program: /^dockerd$/ },
  { label: 'Kubernetes API server', program: /^kube-apiserver$/ },
  { label: 'kubelet', program: /^kubelet$/ },
  { label: 'k3s', program: /^k3s$/ },
  { label: 'systemd-resolved (DNS)', program: /^systemd-resolve/ },
  { label: 'dnsmasq (DNS/DHCP)', program: /^dnsmasq$/ },
  { label: 'BIND (DNS)', program: /^named$/ },
  { label: 'Unbound (DNS)', program: /^unbound$/ },
  { label: 'CoreDNS', program: /^coredns$/ },
  { label: 'Avahi (mDNS)', program: /^avahi-daemon/ },
  { label: 'Bonjour (mDNS)', program: /^mdnsresponder$/ },
  { label: 'CUPS (printing)', program: /^cupsd$/ },
  { label: 'NTP', program: /^(chronyd|ntpd|openntpd)$/ },
  { label: 'rpcbind', program: /^rpcbind$/ },
  { label: 'Samba', program: /^smbd$/ },
  { label: 'Samba NetBIOS', program: /^nmbd$/ },
  { label: 'DHCP client', program: /^(dhclient|dhcpcd|networkmanager)$/, ports: [68, 546] },
  { label: 'AirPlay Receiver (macOS)', program: /^controlcenter$/, ports: [5000, 7000] },
  { label: 'Continuity (macOS rapportd)', program: /^rapportd$/ },
  { label: 'Postfix', program: /^master$/, command: /postfix/ },
  { label: 'Exim', program: /^exim4?$/ },
  { label: 'Prometheus', program: /^prometheus$/ },
  { label: 'Alertmanager', program: /^alertmanager$/ },
  { label: 'Node exporter', program: /^node_exporter$/ },
  { label: 'Grafana', program: /^grafana(-server)?$/ },
  { label: 'Loki', program: /^loki$/ },
  { label: 'OpenTelemetry Collector', program: /^otelcol/ },
  { label: 'Jaeger', program: /^jaeger/ },
  { label: 'Consul', program: /^consul$/ },
  { label: 'Vault', program: /^vault$/ },
  { label: 'Tailscale', program: /^tailscaled$/ },
  { label: 'Syncthing', program: /^syncthing$/ },
  { label: 'Dropbox LAN sync', program: /^dropbox$/, ports: [17500] },
  { label: 'Spotify', program: /^spotify$/ },
  { label: 'ngrok inspector', program: /^ngrok$/, ports: [4040] },
];

export const PROCESS_HINTS: readonly ProcessHint[] = [
  ...DEV_TOOLS,
  ...JAVA_SERVERS,
  ...DATA_STORES,
  ...SYSTEM,
  ...LANGUAGE_SERVERS,
];

function portMatches(hint: ProcessHint, proc: Pick<ProcessInfo, 'command'>, port: number): boolean {
  if (hint.portArg && proc.command) {
    const m = hint.portArg.exec(proc.command);
    // Port 0 asks the OS for any free port: the command line then cannot tell which one.
    if (m?.[1] !== undefined && Number(m[1]) !== 0) return Number(m[1]) === port;
  }
  return !hint.ports || hint.ports.includes(port);
}

// Which hints fit a process does not depend on the port, and a process owns many sockets: work it
// out once per ProcessInfo object.
const candidates = new WeakMap<ProcessInfo, readonly ProcessHint[]>();

/** The first hint that fits this process listening on this port, or null. */
export function processHint(proc: ProcessInfo, port: number): ProcessHint | null {
  let hints = candidates.get(proc);
  if (!hints) {
    const view = programView(proc);
    hints = PROCESS_HINTS.filter((h) => matchesProgram(view, h));
    candidates.set(proc, hints);
  }
  for (const hint of hints) if (portMatches(hint, proc, port)) return hint;
  return null;
}
