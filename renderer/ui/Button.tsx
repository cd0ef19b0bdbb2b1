import type { ButtonHTMLAttributes, ReactNode } from 'react';

/** A button: `primary` for the main action of a view, `ghost` for toolbars. */
export function Button({
  variant = 'default',
  size = 'md',
  children,
  className,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: 'default' | 'primary' | 'ghost' | 'danger';
  size?: 'sm' | 'md';
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className={`btn btn--${variant} btn--${size}${className ? ` ${className}` : ''}`}
      {...rest}
    >
      {children}
    </button>
  );
}
