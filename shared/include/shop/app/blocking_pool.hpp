#pragma once
// Threads for blocking work (libpqxx, file I/O) so the I/O threads never wait:
//   auto user = co_await app.blocking().run([&] { return store.find(id); });
// The caller resumes on its own executor; exceptions propagate to it.
#include <shop/net/asio.hpp>

#include <boost/asio/thread_pool.hpp>

#include <type_traits>

namespace shop {

class BlockingPool {
public:
    explicit BlockingPool(std::size_t threads);
    ~BlockingPool();
    BlockingPool(BlockingPool const&) = delete;
    BlockingPool& operator=(BlockingPool const&) = delete;

    template <class F>
    awaitable<std::invoke_result_t<F&>> run(F work)
    {
        using Result = std::invoke_result_t<F&>;
        co_return co_await net::co_spawn(
            pool_, [work = std::move(work)]() mutable -> awaitable<Result> { co_return work(); },
            use_awaitable);
    }

    // Drops work that has not started, waits for running work, joins the threads.
    void stop();

private:
    net::thread_pool pool_;
};

} // namespace shop
