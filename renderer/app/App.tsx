/**
 * The application shell. For now a short page saying what Rehearsal is and how to use it today.
 */
export function App() {
  return (
    <main className="landing">
      <header className="landing__header">
        <span className="landing__mark" aria-hidden="true">
          ▶
        </span>
        <h1>Rehearsal</h1>
      </header>
      <p className="landing__lead">Rehearsal — a rehearsal stage for task queues.</p>
      <p>
        Dramatiq semantics over SQLite, with a virtual clock that turns a week of retries into
        milliseconds and a journal you can travel back through.
      </p>
      <section className="landing__card" aria-labelledby="next-heading">
        <h2 id="next-heading">Where is the stage?</h2>
        <p>The engine UI arrives in a later release; use the CLI:</p>
        <pre>
          <code>npx rehearsal --help</code>
        </pre>
      </section>
    </main>
  );
}
