#include <shop/app/blocking_pool.hpp>

namespace shop {

BlockingPool::BlockingPool(std::size_t threads) : pool_{threads} {}

BlockingPool::~BlockingPool()
{
    stop();
}

void BlockingPool::stop()
{
    pool_.stop();
    pool_.join();
}

} // namespace shop
