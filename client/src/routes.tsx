import { Navigate, type RouteObject } from 'react-router';
import { paths } from './paths.ts';
import { AppShell } from './screens/AppShell.tsx';
import { DiagnosticsScreen } from './screens/DiagnosticsScreen.tsx';
import { DeltaScreen } from './screens/delta/DeltaScreen.tsx';
import { MigrationLayout } from './screens/MigrationLayout.tsx';
import { MigrationsScreen } from './screens/MigrationsScreen.tsx';
import { MapScreen } from './screens/map/MapScreen.tsx';
import { NotFoundScreen } from './screens/NotFoundScreen.tsx';
import { PlanScreen } from './screens/plan/PlanScreen.tsx';
import { RouteError } from './screens/RouteError.tsx';
import { StagedRecordsScreen } from './screens/records/StagedRecordsScreen.tsx';
import { ReportScreen } from './screens/report/ReportScreen.tsx';
import { RollbackScreen } from './screens/rollback/RollbackScreen.tsx';
import { RunScreen } from './screens/run/RunScreen.tsx';
import { StepScreen } from './screens/StepScreen.tsx';
import { SampleScreen } from './screens/sample/SampleScreen.tsx';
import { UploadScreen } from './screens/upload/UploadScreen.tsx';

export const routes: RouteObject[] = [
  {
    element: <AppShell />,
    errorElement: <RouteError />,
    children: [
      // Pipedrive opens the panel at "/"; the migrations list is home.
      { index: true, element: <Navigate to={paths.migrations} replace /> },
      { path: 'migrations', element: <MigrationsScreen /> },
      {
        path: 'migrations/:migrationId',
        element: <MigrationLayout />,
        children: [
          { index: true, element: <Navigate to="upload" replace /> },
          { path: 'upload', element: <UploadScreen /> },
          { path: 'upload/records/:entity', element: <StagedRecordsScreen /> },
          { path: 'map', element: <MapScreen /> },
          { path: 'plan', element: <PlanScreen /> },
          { path: 'sample', element: <SampleScreen /> },
          { path: 'run', element: <RunScreen /> },
          { path: 'report', element: <ReportScreen /> },
          { path: 'rollback', element: <RollbackScreen /> },
          { path: 'delta', element: <DeltaScreen /> },
          // Steps whose server API does not exist yet say so.
          { path: ':step', element: <StepScreen /> },
        ],
      },
      { path: 'diagnostics', element: <DiagnosticsScreen /> },
      { path: '*', element: <NotFoundScreen /> },
    ],
  },
];
