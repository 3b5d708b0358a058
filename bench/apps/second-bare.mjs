// Baseline: the same one-second command without optel.
await new Promise((resolve) => setTimeout(resolve, 1000));
