/**
 * Small stroke icons as inline SVG (no icon font: every glyph renders on every system).
 */
import type { ReactNode } from 'react';

const Svg = ({ children, label }: { children: ReactNode; label?: string }) => (
  <svg
    className="icon"
    width="16"
    height="16"
    viewBox="0 0 16 16"
    fill="none"
    stroke="currentColor"
    strokeWidth="1.6"
    strokeLinecap="round"
    strokeLinejoin="round"
    aria-hidden={label ? undefined : true}
    role={label ? 'img' : undefined}
    aria-label={label}
  >
    {children}
  </svg>
);

export const IconPlay = () => (
  <Svg>
    <path d="M4.5 3 L12.5 8 L4.5 13 Z" fill="currentColor" />
  </Svg>
);
export const IconPause = () => (
  <Svg>
    <path d="M5 3v10M11 3v10" strokeWidth="2.4" />
  </Svg>
);
export const IconStep = () => (
  <Svg>
    <path d="M3.5 3.5 L9.5 8 L3.5 12.5 Z" fill="currentColor" />
    <path d="M12 3v10" strokeWidth="2" />
  </Svg>
);
export const IconBack = () => (
  <Svg>
    <path d="M10 3.5 L5 8 L10 12.5" />
  </Svg>
);
export const IconForward = () => (
  <Svg>
    <path d="M6 3.5 L11 8 L6 12.5" />
  </Svg>
);
export const IconFastForward = () => (
  <Svg>
    <path d="M2.5 4 L7.5 8 L2.5 12 Z M8.5 4 L13.5 8 L8.5 12 Z" fill="currentColor" />
  </Svg>
);
export const IconQueues = () => (
  <Svg>
    <path d="M2.5 4h11M2.5 8h11M2.5 12h11" />
  </Svg>
);
export const IconMessages = () => (
  <Svg>
    <rect x="2.5" y="3" width="11" height="10" rx="1.5" />
    <path d="M2.5 4.5 L8 8.5 L13.5 4.5" />
  </Svg>
);
export const IconPlus = () => (
  <Svg>
    <path d="M8 3v10M3 8h10" />
  </Svg>
);
export const IconGraph = () => (
  <Svg>
    <circle cx="3.5" cy="8" r="1.6" />
    <circle cx="12.5" cy="4" r="1.6" />
    <circle cx="12.5" cy="12" r="1.6" />
    <path d="M5 7.3 L11 4.7 M5 8.7 L11 11.3" />
  </Svg>
);
export const IconChart = () => (
  <Svg>
    <path d="M2.5 13.5h11M3.5 11 L6.5 7 L9 9 L13 3.5" />
  </Svg>
);
export const IconScenario = () => (
  <Svg>
    <path d="M3 2.5h7l3 3v8H3z M10 2.5v3h3" />
  </Svg>
);
export const IconJournal = () => (
  <Svg>
    <path d="M4 2.5h8.5v11H4z M6 5.5h4.5M6 8h4.5M6 10.5h3" />
  </Svg>
);
export const IconSun = () => (
  <Svg>
    <circle cx="8" cy="8" r="3" />
    <path d="M8 1.5v1.5M8 13v1.5M1.5 8H3M13 8h1.5M3.4 3.4l1 1M11.6 11.6l1 1M3.4 12.6l1-1M11.6 4.4l1-1" />
  </Svg>
);
export const IconMoon = () => (
  <Svg>
    <path d="M13 9.5A5.5 5.5 0 1 1 6.5 3a4.5 4.5 0 0 0 6.5 6.5z" />
  </Svg>
);
