// Open MPI's predefined handles are macros over addresses of globals
// (MPI_COMM_WORLD is `&ompi_mpi_comm_world`), which Swift cannot import:
// these functions hand them over as values.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  // sched_getaffinity, CPU_COUNT
#endif
#include <sched.h>
#include <mpi.h>

static inline MPI_Comm sprig_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Comm sprig_mpi_comm_null(void) { return MPI_COMM_NULL; }
static inline MPI_Datatype sprig_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype sprig_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype sprig_mpi_uint64(void) { return MPI_UINT64_T; }
static inline MPI_Op sprig_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Info sprig_mpi_info_null(void) { return MPI_INFO_NULL; }
static inline void *sprig_mpi_in_place(void) { return MPI_IN_PLACE; }

// The cores this process may run on: mpirun binds each rank to its share
// (one core each by default for up to two ranks), and threads beyond it
// would take turns on the same core.
static inline int sprig_cores_available(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
  return CPU_COUNT(&set);
}
