// Placeholder: the benchmark runner arrives with the engine.
console.log('no benchmarks yet');
