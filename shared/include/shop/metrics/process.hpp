#pragma once

namespace shop::metrics {

class Registry;

// Registers the standard process_* metrics of the Prometheus clients (CPU time, resident and
// virtual memory, open and maximum file descriptors, start time), read from /proc at scrape
// time. Linux only; throws std::runtime_error when /proc cannot be read. Call once per registry.
void register_process_metrics(Registry& registry);

} // namespace shop::metrics
