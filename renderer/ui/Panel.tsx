import type { ReactNode } from 'react';

/** A titled section of a view, with optional tools on the right of its title. */
export function Panel({
  title,
  tools,
  children,
  className,
  id,
}: {
  title: ReactNode;
  tools?: ReactNode;
  children: ReactNode;
  className?: string;
  id?: string;
}) {
  return (
    <section className={`panel${className ? ` ${className}` : ''}`} aria-labelledby={id}>
      <header className="panel__head">
        <h2 className="panel__title" id={id}>
          {title}
        </h2>
        {tools ? <div className="panel__tools">{tools}</div> : null}
      </header>
      <div className="panel__body">{children}</div>
    </section>
  );
}
