#include <shop/log/writer.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <poll.h>
#include <unistd.h>
#include <utility>

// The wake-up protocol
// --------------------
// A logging thread appends to its own buffer under that buffer's mutex, which only the writer
// thread ever contends (for the instant of a swap). When the buffer goes from empty to
// non-empty it calls wake(): `wake_.exchange(true)`; only if that flips false -> true does it
// take `mutex_` (empty critical section) and notify. The writer sleeps in
// `work_.wait(mutex_, wake_ || stop_ || flush requested)`, so a wake-up cannot be lost: the
// waker sets `wake_` before taking `mutex_`, and it can only take `mutex_` while the writer is
// either before its predicate check (which then sees `wake_`) or already blocked in wait()
// (which the notify ends).
//
// The writer clears `wake_` *before* swapping the buffers out. A line appended after the swap
// of its buffer finds the buffer empty and flips `wake_` again, so it is picked up by the next
// round; a line appended before the clear is taken by this round's swap.
//
// After waking, the writer lingers for kLinger before swapping, while `wake_` stays set: under
// load, loggers then skip the notify entirely and the writer makes one write per thread per
// round instead of one per line. An idle process sleeps in wait() with no timeout: no periodic
// wake-ups. flush() and stop() cut the linger short.
//
// Shutdown: stop() clears `running_` before asking the thread to stop, and push() checks
// `running_` under the buffer mutex, so every line either lands in a buffer before the final
// round swaps it out, or is refused and written by the caller.

namespace shop::log {

struct ThreadBuffer {
    std::mutex mutex;
    std::string pending;       // guarded by mutex
    std::uint64_t dropped = 0; // guarded by mutex
    bool retired = false;      // guarded by mutex; the thread has exited
    std::string writing;       // writer thread only
};

namespace {

constexpr auto kLinger = std::chrono::milliseconds{10};
constexpr std::size_t kKeepCapacity = 256 << 10; // larger buffers are freed after a burst

std::atomic<std::uint64_t> next_writer_id{1};

// Set once this thread's Registration is destroyed: later lines (from other thread_local
// destructors) are refused and written synchronously by the caller.
thread_local bool registration_gone = false;

// This thread's buffer; the writer's registry co-owns it, so lines queued just before the
// thread exits are still written.
struct Registration {
    std::uint64_t writer_id = 0;
    std::shared_ptr<ThreadBuffer> buffer;

    void retire()
    {
        if (buffer) {
            std::lock_guard const lock{buffer->mutex};
            buffer->retired = true;
        }
    }
    ~Registration()
    {
        retire();
        registration_gone = true;
    }
};

thread_local Registration registration;

} // namespace

void write_all(int fd, std::string_view data)
{
    while (!data.empty()) {
        auto const n = ::write(fd, data.data(), data.size());
        if (n > 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd ready{.fd = fd, .events = POLLOUT, .revents = 0};
            ::poll(&ready, 1, -1);
        } else {
            return;
        }
    }
}

Writer::Writer() : id_{next_writer_id++} {}

Writer::~Writer()
{
    stop();
}

void Writer::start(int fd, DroppedLine dropped_line)
{
    stop();
    dropped_line_ = std::move(dropped_line);
    {
        std::lock_guard const lock{mutex_};
        stop_ = false;
        thread_alive_ = true;
    }
    thread_ = std::thread{[this, fd] { run(fd); }};
    running_ = true;
}

void Writer::stop()
{
    if (!thread_.joinable()) {
        return;
    }
    running_ = false;
    {
        std::lock_guard const lock{mutex_};
        stop_ = true;
    }
    work_.notify_one();
    thread_.join();
}

ThreadBuffer* Writer::this_thread_buffer()
{
    if (registration_gone) {
        return nullptr;
    }
    if (registration.writer_id != id_) {
        registration.retire(); // registered with another writer
        registration.buffer = std::make_shared<ThreadBuffer>();
        registration.writer_id = id_;
        std::lock_guard const lock{registry_mutex_};
        buffers_.push_back(registration.buffer);
    }
    return registration.buffer.get();
}

bool Writer::push(std::string_view line, bool keep)
{
    auto* const buffer = this_thread_buffer();
    if (buffer == nullptr) {
        return false;
    }
    bool was_empty = false;
    {
        std::lock_guard const lock{buffer->mutex};
        if (!running_) {
            return false;
        }
        if (!keep && buffer->pending.size() + line.size() > kMaxPendingPerThread) {
            ++buffer->dropped;
            return true;
        }
        was_empty = buffer->pending.empty();
        buffer->pending.append(line);
    }
    if (was_empty) {
        wake();
    }
    return true;
}

void Writer::wake()
{
    if (!wake_.exchange(true)) {
        // Passing through mutex_ keeps the notify out of the gap between the writer's predicate
        // check and its wait (see the note at the top).
        mutex_.lock();
        mutex_.unlock();
        work_.notify_one();
    }
}

void Writer::flush()
{
    std::unique_lock lock{mutex_};
    if (!thread_alive_) {
        return;
    }
    auto const ticket = ++flush_requested_;
    work_.notify_one();
    flushed_.wait(lock, [&] { return flush_done_ >= ticket || !thread_alive_; });
}

void Writer::run(int fd)
{
    std::unique_lock lock{mutex_};
    for (;;) {
        auto const urgent = [&] { return stop_ || flush_requested_ != flush_done_; };
        work_.wait(lock, [&] { return wake_ || urgent(); });
        work_.wait_for(lock, kLinger, urgent);
        auto const target = flush_requested_;
        auto const stopping = stop_;
        lock.unlock();

        wake_ = false;
        drain(fd);

        lock.lock();
        // Flushes asked for after `target` was read find their lines in this round or written by
        // their own thread (push refuses them once running_ is false).
        flush_done_ = stopping ? flush_requested_ : target;
        thread_alive_ = !stopping;
        flushed_.notify_all();
        if (stopping) {
            return;
        }
    }
}

// One round: swap each thread's pending lines out (O(1) under its lock) and write them.
void Writer::drain(int fd)
{
    {
        std::lock_guard const lock{registry_mutex_};
        snapshot_ = buffers_;
    }
    std::uint64_t dropped = 0;
    bool any_retired = false;
    for (auto const& buffer : snapshot_) {
        {
            std::lock_guard const lock{buffer->mutex};
            buffer->pending.swap(buffer->writing);
            dropped += std::exchange(buffer->dropped, 0);
            any_retired = any_retired || buffer->retired;
        }
        write_all(fd, buffer->writing);
        buffer->writing.clear();
        if (buffer->writing.capacity() > kKeepCapacity) {
            std::string{}.swap(buffer->writing);
        }
    }
    snapshot_.clear();
    if (dropped > 0 && dropped_line_) {
        write_all(fd, dropped_line_(dropped));
    }
    if (any_retired) {
        std::lock_guard const lock{registry_mutex_};
        std::erase_if(buffers_, [](auto const& buffer) {
            std::lock_guard const buffer_lock{buffer->mutex};
            return buffer->retired && buffer->pending.empty();
        });
    }
}

} // namespace shop::log
