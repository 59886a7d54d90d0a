// A child process of bench/quality.ts: runs the tasks it is sent.

import { serveTasks } from './pool.ts';
import { executeTask } from './quality-tasks.ts';

serveTasks(executeTask);
