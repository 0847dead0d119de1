import Testing
@Test func placeholderCXConfigTests() {}
