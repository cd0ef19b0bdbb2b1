// Side-effect CSS imports are handled by vite; this tells TypeScript they are modules.
declare module '*.css';
