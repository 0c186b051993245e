// A MemoryStore that counts its calls: the store round trips a benchmark reports.
import { MemoryStore } from "edge-otp";

export class CountingStore extends MemoryStore {
  calls = 0;
  async get(...args) {
    this.calls++;
    return super.get(...args);
  }
  async set(...args) {
    this.calls++;
    return super.set(...args);
  }
  async compareAndSwap(...args) {
    this.calls++;
    return super.compareAndSwap(...args);
  }
}
