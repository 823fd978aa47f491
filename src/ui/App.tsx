/**
 * App shell shown until the simulator UI lands: what Stackscope is, and how to use the
 * headless CLI today. Static content only; no network requests, no engine imports.
 */
import { useEffect, useId, useState } from 'react';

interface CliExample {
  readonly command: string;
  readonly description: string;
}

const CLI_EXAMPLES: readonly CliExample[] = [
  { command: 'npx stackscope scenarios', description: 'List the built-in scenarios.' },
  {
    command: 'npx stackscope exec routed -- traceroute -n 203.0.113.10',
    description: 'Run a terminal command inside a scenario and print exactly what the browser terminal will print.',
  },
  {
    command: 'npx stackscope run routed --pcap out.pcap',
    description: 'Run a scenario headless and export a capture that opens cleanly in Wireshark.',
  },
];

export function App() {
  return (
    <div className="shell">
      <header className="shell-header">
        <div className="shell-brand">
          <img className="shell-logo" src="/favicon.svg" alt="" width="40" height="40" />
          <div>
            <h1>Stackscope</h1>
            <p className="tagline">A network lab where every packet is real</p>
          </div>
        </div>
      </header>

      <main className="shell-main">
        <section aria-labelledby="soon-heading" className="card">
          <h2 id="soon-heading">The simulator UI arrives soon</h2>
          <p>
            Stackscope runs a deterministic protocol stack, from Ethernet to HTTP/3 plus DNS and BGP, as a
            discrete-event simulation. The interactive views (topology, ladder diagrams, packet inspector
            and terminal) are being built on top of it.
          </p>
          <p>
            The same engine already runs from the command line: bytes are wire-exact, checksums are right,
            and the same scenario and seed always give the same packets.
          </p>
        </section>

        <section aria-labelledby="cli-heading" className="card">
          <h2 id="cli-heading">Use the headless CLI today</h2>
          <ol className="cli-list">
            {CLI_EXAMPLES.map((example) => (
              <li key={example.command}>
                <CommandExample {...example} />
              </li>
            ))}
          </ol>
        </section>
      </main>

      <footer className="shell-footer">
        <p>Runs entirely on your machine. Nothing on this page is fetched from the network.</p>
      </footer>
    </div>
  );
}

type CopyState = 'idle' | 'copied' | 'failed';

const COPY_LABEL: Record<CopyState, string> = { idle: 'Copy', copied: 'Copied', failed: 'Copy failed' };
const COPY_ANNOUNCEMENT: Record<CopyState, string> = {
  idle: '',
  copied: 'Copied to clipboard.',
  failed: 'Could not copy; select the command text instead.',
};
/** How long "Copied" / "Copy failed" stays on the button before it reads "Copy" again. */
const COPY_FEEDBACK_MS = 2000;

function CommandExample({ command, description }: CliExample) {
  const [copyState, setCopyState] = useState<CopyState>('idle');
  const descriptionId = useId();

  useEffect(() => {
    if (copyState === 'idle') return undefined;
    const timer = setTimeout(() => setCopyState('idle'), COPY_FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [copyState]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(command);
      setCopyState('copied');
    } catch {
      setCopyState('failed');
    }
  }

  return (
    <figure className="cli-example">
      <figcaption id={descriptionId}>{description}</figcaption>
      <div className="cli-command">
        <pre>
          <code>{command}</code>
        </pre>
        <button type="button" className="copy-button" onClick={copy} aria-describedby={descriptionId}>
          {COPY_LABEL[copyState]}
          <span className="visually-hidden"> command: {command}</span>
        </button>
      </div>
      <p className="visually-hidden" role="status">
        {COPY_ANNOUNCEMENT[copyState]}
      </p>
    </figure>
  );
}
