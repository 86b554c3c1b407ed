#include "spawn.hpp"

#include <shop/log/log.hpp>

#include <exception>
#include <utility>

namespace shop::dev_broker {

void spawn(net::any_io_executor executor, awaitable<void> task, std::string what)
{
    net::co_spawn(std::move(executor), std::move(task),
                  [what = std::move(what)](std::exception_ptr failure) {
                      if (!failure)
                          return;
                      try {
                          std::rethrow_exception(failure);
                      } catch (std::exception const& e) {
                          log::error("{} failed: {}", what, e.what());
                      }
                  });
}

} // namespace shop::dev_broker
