import Testing
@Test func placeholderCXDaemonTests() {}
