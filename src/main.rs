fn main() -> std::process::ExitCode {
    redress::cli::main()
}

// `status` replays thousands of cases on every core, and a third of its
// time went to glibc's malloc and free; mimalloc does that job better.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
