// Read by the Vite plugin and by svelte-check.
export default {
  compilerOptions: {
    // Runes only: one way to write components across the app.
    runes: true,
  },
};
