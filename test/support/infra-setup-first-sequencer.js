// jest's own order (failed first, then slowest or largest), with one change: the first infra file goes first.
// jest runs the projects' global setups in the order of this list, and integration files sort before infra
// files, so the integration setup used to synthesize the app before the infra setup did it again (~46 s each on
// two cores). With infra's setup first, the integration setup finds its synthesis and uses it.
const Sequencer = require('@jest/test-sequencer').default;

class InfraSetupFirst extends Sequencer {
  async sort(tests) {
    const sorted = [...(await super.sort(tests))];
    const infra = sorted.findIndex((test) => test.context.config.displayName?.name === 'infra');
    if (infra > 0) sorted.unshift(...sorted.splice(infra, 1));
    return sorted;
  }
}

module.exports = InfraSetupFirst;
