// What the admin components need from a browser that jsdom lacks: Mantine's autosizing Textarea
// listens to document.fonts.
if (!('fonts' in document))
  Object.defineProperty(document, 'fonts', {
    value: { addEventListener: () => {}, removeEventListener: () => {} },
  });
