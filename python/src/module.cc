// The extension module quiver.lib: the compiled half of the `quiver` package.
// The pure-Python half (python/quiver/*.py) builds pyarrow's convenience API
// on top of the classes bound here.
#include "common.h"

NB_MODULE(lib, m) {
  using namespace quiver::py;
  m.doc() = "Quiver's compiled core: Arrow types, arrays, tables, IPC and the C Data bridge";
  InitErrors(m);
  InitBuffers(m);
  InitTypes(m);
  InitArrays(m);
  InitScalars(m);
  InitConvert(m);
  InitNumpy(m);
  InitTables(m);
  InitCapsules(m);
  InitIo(m);
  InitIpc(m);
  InitCompute(m);
  InitFlight(m);
}
