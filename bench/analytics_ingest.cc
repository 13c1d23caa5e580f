// Analytics ingest rate: how many events a second the pipeline stores in the analytics database.
// Usage: archway_analytics_ingest [seconds=5] [producers=2] [rate_per_producer=0 (as fast as possible)]
//                                 [applications=200 (their calls spread over min(20, applications) APIs)]
//        producers=0: the sink alone (AnalyticsStore::write of 4096-event batches, no rings, no threads)
//
// Producers stand in for gateway workers: each fills its own ring (analytics/event_ring.h) with
// realistic events (20 APIs, 200 applications, a mix of statuses and latencies) and the recorder's
// drain thread stores them in batches (analytics/analytics_store.h) in a fresh database under /tmp.
// Prints events produced, stored and dropped, and stored events per second. With rate 0 producers
// push as fast as they can, so "dropped" shows how far the sink is behind an unbounded source; the
// stored rate is the sink's capacity. A bounded rate (e.g. 20000) checks that nothing is dropped
// at that load.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "analytics/analytics_store.h"
#include "analytics/recorder.h"

using namespace archway::analytics;
namespace fs = std::filesystem;

// CPU time of the calling thread, in microseconds: what storing costs, whatever else runs.
static std::int64_t thread_cpu_us() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 5.0;
  const int producers = argc > 2 ? std::atoi(argv[2]) : 2;
  const double rate = argc > 3 ? std::atof(argv[3]) : 0.0;
  // One application on one API is a single-API gateway's stream (a few rollup rows per batch);
  // 200 on 20 is the default's spread (hundreds of rollup rows per batch).
  const std::size_t applications = argc > 4 ? std::max<std::size_t>(1, std::strtoul(argv[4], nullptr, 10)) : 200;
  const std::size_t api_count = std::min<std::size_t>(20, applications);
  const fs::path dir = fs::temp_directory_path() / ("archway-ingest-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  if (producers == 0) {
    // The sink alone: batches of 4096 events written back to back on this thread.
    AnalyticsStore store((dir / "analytics.db").string(), "Default", AnalyticsStoreOptions{.rollup_flush_ms = 1000});
    std::vector<Event> events(4096);
    std::vector<const Event*> batch;
    for (std::size_t i = 0; i < events.size(); ++i) {
      Event& e = events[i];
      e.time_ms = 1796587200000 + static_cast<std::int64_t>(i);
      e.api_id.assign("api-" + std::to_string(i % api_count) + "-0000-0000-0000-000000000000");
      e.application_id.assign("app-" + std::to_string(i % applications) + "-0000-0000-0000-000000000000");
      e.api_name.assign("PetStore");
      e.resource.assign("/pets/{id}");
      e.subscriber.assign("alice");
      e.user_agent.assign("wrk/4.1.0");
      e.status = static_cast<std::uint16_t>(i % 10 ? 200 : 500);
      e.category = i % 10 ? ErrorCategory::kNone : ErrorCategory::kBackend;
      e.total_us = 500 + static_cast<std::int64_t>(i * 7 % 20000);
      e.backend_us = e.total_us / 2;
      e.forwarded = true;
      batch.push_back(&e);
    }
    const auto began = std::chrono::steady_clock::now();
    const std::int64_t cpu0 = thread_cpu_us();
    std::uint64_t n = 0;
    while (std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count() < seconds) {
      for (auto& e : events) e.time_ms += 4096;
      store.write(batch);
      n += batch.size();
    }
    store.flush();
    const double cpu = static_cast<double>(thread_cpu_us() - cpu0);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    std::printf("sink alone: %llu events in %.1f s, %.0f events/s, %.3f CPU us/event\n",
                static_cast<unsigned long long>(n), elapsed, static_cast<double>(n) / elapsed,
                cpu / static_cast<double>(n));
    fs::remove_all(dir);
    return 0;
  }
  {
    AnalyticsStore store((dir / "analytics.db").string(), "Default", AnalyticsStoreOptions{.rollup_flush_ms = 1000});
    RecorderOptions o;
    std::atomic<std::int64_t> write_us{0}, write_cpu_us{0};
    Recorder rec(o, [&store, &write_us, &write_cpu_us](std::span<const Event* const> batch) {
      const auto t = std::chrono::steady_clock::now();
      const std::int64_t cpu0 = thread_cpu_us();
      store.write(batch);
      write_cpu_us += thread_cpu_us() - cpu0;
      write_us += std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t).count();
    });
    rec.add_tick([&store] { store.flush_if_due(); }, o.flush_interval_ms);
    std::vector<EventRing*> rings;
    for (int p = 0; p < producers; ++p) rings.push_back(&rec.open_ring());
    rec.start();
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> produced{0};
    std::vector<std::thread> threads;
    const auto began = std::chrono::steady_clock::now();
    for (int p = 0; p < producers; ++p)
      threads.emplace_back([&, p] {
        std::mt19937 rnd(static_cast<unsigned>(p + 1));
        std::vector<std::string> apis, apps;
        for (std::size_t i = 0; i < api_count; ++i)
          apis.push_back("api-" + std::to_string(i) + "-0000-0000-0000-000000000000");
        for (std::size_t i = 0; i < applications; ++i)
          apps.push_back("app-" + std::to_string(i) + "-0000-0000-0000-000000000000");
        std::uint64_t n = 0;
        const auto start = std::chrono::steady_clock::now();
        while (!stop.load(std::memory_order_relaxed)) {
          if (rate > 0) {
            const double due = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() * rate;
            if (static_cast<double>(n) >= due) {
              std::this_thread::sleep_for(std::chrono::microseconds(200));
              continue;
            }
          }
          ++n;
          Event* e = rings[static_cast<std::size_t>(p)]->claim();
          if (!e) continue;
          const auto now = std::chrono::system_clock::now().time_since_epoch();
          e->time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
          const std::string& api = apis[rnd() % apis.size()];
          e->api_id.assign(api);
          e->api_name.assign("PetStore");
          e->api_version.assign("1.0.0");
          e->api_context.assign("/petstore");
          e->method.assign("GET");
          e->resource.assign("/pets/{id}");
          const std::string& app = apps[rnd() % apps.size()];
          e->application_id.assign(app);
          e->application_name.assign("Application");
          e->application_owner.assign("alice");
          e->subscriber.assign("alice");
          e->key_type = KeyType::kProduction;
          e->auth_type.assign("oauth2");
          e->client_ip.assign("10.0.0.1");
          e->user_agent.assign("wrk/4.1.0");
          const unsigned r = rnd() % 100;
          e->status = static_cast<std::uint16_t>(r < 90 ? 200 : r < 95 ? 401 : r < 98 ? 429 : 500);
          e->category = r < 90 ? ErrorCategory::kNone : r < 95 ? ErrorCategory::kAuth
                        : r < 98 ? ErrorCategory::kThrottling : ErrorCategory::kBackend;
          e->throttled = r >= 95 && r < 98;
          e->throttle_policy.assign(e->throttled ? "Gold" : "");
          e->error_code = 0;
          e->total_us = 500 + static_cast<std::int64_t>(rnd() % 20000);
          e->backend_us = e->total_us / 2;
          e->forwarded = r < 90 || r >= 98;
          e->request_bytes = 0;
          e->response_bytes = 1024;
          e->backend.assign("http://127.0.0.1:8080");
          rings[static_cast<std::size_t>(p)]->publish();
        }
        produced += n;
      });
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& t : threads) t.join();
    rec.stop();  // stores what the rings still hold
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    std::printf("sink busy %.2f s of %.2f s: %.0f events/s while writing, %.3f CPU us/event\n",
                static_cast<double>(write_us.load()) / 1e6, elapsed,
                static_cast<double>(rec.delivered()) / (static_cast<double>(write_us.load()) / 1e6),
                static_cast<double>(write_cpu_us.load()) / static_cast<double>(std::max<std::uint64_t>(1, rec.delivered())));
    std::printf("producers %d, %.1f s: produced %llu, stored %llu, dropped %llu, stored %.0f events/s\n", producers,
                elapsed, static_cast<unsigned long long>(produced.load()),
                static_cast<unsigned long long>(rec.delivered()), static_cast<unsigned long long>(rec.dropped()),
                static_cast<double>(rec.delivered()) / elapsed);
  }
  fs::remove_all(dir);
  return 0;
}
