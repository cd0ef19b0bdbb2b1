import type { ReactNode } from 'react';

/** A labelled form field with an optional hint and an inline error (announced to readers). */
export function Field({
  label,
  htmlFor,
  hint,
  error,
  children,
  wide,
}: {
  label: string;
  htmlFor: string;
  hint?: ReactNode;
  error?: string | null;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <div className={`field${wide ? ' field--wide' : ''}${error ? ' field--invalid' : ''}`}>
      <label className="field__label" htmlFor={htmlFor}>
        {label}
      </label>
      {children}
      {error ? (
        <div className="field__error" role="alert" id={`${htmlFor}-error`}>
          {error}
        </div>
      ) : hint ? (
        <div className="field__hint">{hint}</div>
      ) : null}
    </div>
  );
}
