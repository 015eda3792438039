// The demo the README's first command runs until the Flight server exists:
// build a small table and print it.
#include <iostream>

#include "quiver/array.h"
#include "quiver/schema.h"

int main() {
  using namespace quiver;
  auto s = schema({field("id", int64(), false), field("name", utf8())});
  std::cout << s->ToString() << std::endl;
  return 0;
}
